"""The data generators: deterministic Swedish parties, documents, salaries, registers and the
vouchers that book them, each record built on its own from its position."""
