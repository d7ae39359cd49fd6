"""`SendingStream`: how every request of a stream goes out and comes back.

One way through for every kind of request (a list page, a document's detail, a key listing, a
year's SIE file): a slot of the run's rate limiter, the run's access token (renewed once after a
401), retries with backoff on 429/5xx/HTML/timeouts/dropped connections (a `Retry-After` wins
when it asks for longer), and the answer classified into the tap's errors (errors.py). What the
stream does with the answer is client.py's.
"""

from __future__ import annotations

import random
from collections.abc import Generator, Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any

import requests
from singer_sdk import RESTStream
from singer_sdk.exceptions import RetriableAPIError
from singer_sdk.helpers.types import Context

from tap_fortnox import sdk
from tap_fortnox.auth import FortnoxAuthenticator
from tap_fortnox.errors import (
    FortnoxAPIError,
    TokenRejected,
    classify,
    error_message,
    retry_after_seconds,
)
from tap_fortnox.ratelimit import SlidingWindowLimiter
from tap_fortnox.reach import Reach
from tap_fortnox.responses import json_body, request_path
from tap_fortnox.run import RunContext, run_context_of
from tap_fortnox.sdk import override

if TYPE_CHECKING:
    from backoff.types import Details
    from singer_sdk import Tap

    from tap_fortnox.sdk import RequestSender

JSON = "application/json"
ANY = "*/*"  # a file (the SIE export): its body is streamed to the caller, not read here


def wants_json(response: requests.Response) -> bool:
    """Whether the answer is to be JSON: every request but a file's (`get_file`)."""
    request = response.request
    return request is None or request.headers.get("Accept") != ANY


class SendingStream(RESTStream[int]):
    """The request side of a Fortnox stream, with what it shares from its run (run.py)."""

    # Seconds of the first retry wait; doubles per attempt (tests shrink it).
    retry_base_seconds: float = 1.0
    retry_max_wait_seconds: float = 60.0

    def __init__(self, tap: Tap, *args: Any, **kwargs: Any) -> None:
        super().__init__(tap, *args, **kwargs)
        self.run_context: RunContext = run_context_of(tap)

    # --- where and how to ask -------------------------------------------------------------

    @property
    @override
    def url_base(self) -> str:
        return str(self.config["api_url"]).rstrip("/")

    @property
    @override
    def http_headers(self) -> dict[str, str]:
        return {**super().http_headers, "Accept": JSON}

    @property
    @override
    def authenticator(self) -> FortnoxAuthenticator:
        return self.run_context.authenticator

    @property
    @override
    def timeout(self) -> int:
        return int(self.config["request_timeout_seconds"])

    @property
    def limiter(self) -> SlidingWindowLimiter:
        return self.run_context.limiter

    @property
    def reach(self) -> Reach:
        return self.run_context.reach

    # --- answers --------------------------------------------------------------------------

    @override
    def validate_response(self, response: requests.Response) -> None:
        self.reach.answer()
        if not wants_json(response) and response.status_code < 400:
            return  # a file: its body is the caller's to stream
        problem = classify(self.name, response)  # an error body is small: read whole
        if problem is not None:
            raise problem

    @override
    def response_error_message(self, response: requests.Response) -> str:
        # The SDK's version prints the body and header names; ours names path, status and the
        # Fortnox code/message only.
        return error_message(self.name, response)

    # --- sending: rate limit, 401 renewal, retries ----------------------------------------

    @override
    def request_decorator(self, func: RequestSender) -> RequestSender:
        """Every attempt takes a limiter slot; a 401 renews the token once; retries with
        backoff on 429/5xx/HTML/timeouts/dropped connections; then one clear failure."""

        def attempt(prepared: requests.PreparedRequest, context: Context | None) -> Any:
            with self.limiter.slot():
                try:
                    return func(prepared, context)
                except TokenRejected as rejected:
                    token = rejected.token
                except requests.RequestException as exc:
                    self.reach.check(exc, self.name, self.url_base)
                    raise
            self.authenticator.invalidate(token)
            self.logger.info("Stream '%s': access token rejected (401); renewing", self.name)
            with self.limiter.slot():
                try:
                    return func(prepared, context)
                except TokenRejected as again:
                    raise FortnoxAPIError(
                        f"{again} (also with a newly obtained token: check the app's scopes and "
                        f"the company's consent)",
                        again.response,
                    ) from None

        retrying = super().request_decorator(attempt)

        def send(prepared: requests.PreparedRequest, context: Context | None) -> Any:
            try:
                return retrying(prepared, context)
            except RetriableAPIError as exc:
                raise FortnoxAPIError(
                    f"{exc} (gave up after {self.backoff_max_tries()} attempts)",
                    exc.response,
                ) from None
            except (requests.exceptions.RequestException, ConnectionError) as exc:
                raise FortnoxAPIError(
                    f"Stream '{self.name}': GET {request_path(prepared.url)} failed: "
                    f"{type(exc).__name__} (gave up after {self.backoff_max_tries()} attempts)"
                ) from None

        return send

    @override
    def backoff_max_tries(self) -> int:
        return int(self.config["max_retries"])

    @override
    def backoff_wait_generator(self) -> Generator[float, BaseException | None, None]:
        """Exponential waits; a `Retry-After` header wins when it asks for longer."""
        exc = yield 0.0  # primed by backoff with send(None); then receives each exception
        attempt = 0
        while True:
            wait = min(self.retry_max_wait_seconds, self.retry_base_seconds * 2**attempt)
            attempt += 1
            asked = retry_after_seconds(exc)
            if asked is not None:
                wait = max(wait, min(asked, self.retry_max_wait_seconds * 5))
            exc = yield wait

    @override
    def backoff_jitter(self, value: float) -> float:
        return value * random.uniform(1.0, 1.25)  # spread, but never shorter than asked

    @override
    def backoff_handler(self, details: Details) -> None:
        exc = details.get("exception")
        self.logger.warning(
            "%s; retry %d in %.1f s",
            exc
            if isinstance(exc, RetriableAPIError)
            else f"Stream '{self.name}': {type(exc).__name__}",
            details.get("tries", 0),
            details.get("wait", 0.0),
        )

    # --- requests beside the SDK's paging -------------------------------------------------

    @cached_property
    def _send(self) -> RequestSender:
        return sdk.request_sender(self)

    def get(
        self, path: str, params: Mapping[str, Any] | None = None, context: Context | None = None
    ) -> requests.Response:
        """GET `api_url + path` through the limiter, auth, retries and error mapping."""
        prepared = self.build_prepared_request(
            method="GET",
            url=self.url_base + path,
            params=dict(params or {}),
            headers=self.http_headers,
        )
        return self._send(prepared, context)

    def get_json(
        self, path: str, params: Mapping[str, Any] | None = None, context: Context | None = None
    ) -> Any:
        """The JSON body of `get` (numbers as Decimal)."""
        return json_body(self.get(path, params, context))

    def get_file(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        context: Context | None = None,
        read_timeout: float | None = None,
    ) -> requests.Response:
        """GET a file the same way, its body left unread to stream (`with response:`); a pause
        in it longer than `read_timeout` seconds (default: the request timeout) fails it."""
        prepared = self.build_prepared_request(
            method="GET",
            url=self.url_base + path,
            params=dict(params or {}),
            headers={**self.http_headers, "Accept": ANY},
        )
        timeouts = (self.timeout, self.timeout if read_timeout is None else read_timeout)
        send = sdk.request_sender(self, streamed=timeouts)
        return send(prepared, context)
