"""Developer commands: generators of checked-in files, the demo and the benchmark."""
