"""One error contract: every error a client receives carries ``extensions.code``.

- ``GRAPHQL_PARSE_FAILED``: the document is not GraphQL.
- ``GRAPHQL_VALIDATION_FAILED``: it does not fit the schema (unknown field, wrong literal).
- ``BAD_USER_INPUT``: a variable the schema cannot take (graphql-core's message says which
  and why), and the domain checks that raise it.
- ``OPERATION_RESOLUTION_FAILURE``: several operations and no ``operationName``, or a name
  the document does not hold.
- the domain codes (``NOT_FOUND``, ``UPSTREAM_*``, ``MAX_COST_EXCEEDED``...), set where
  raised; ``INTERNAL_ERROR`` only for a fault of this server, masked.

Failures before GraphQL runs (a body that is not a JSON object, a method or media type the
endpoint does not take, a body over the size limit) answer a GraphQL-shaped JSON body with a
code too (``http_error_middleware``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator

from aiohttp import web
from graphql import GraphQLError, GraphQLSyntaxError, OperationDefinitionNode
from strawberry.extensions import SchemaExtension

from graph.errors import GraphError

PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
BAD_USER_INPUT = "BAD_USER_INPUT"
OPERATION_RESOLUTION_FAILURE = "OPERATION_RESOLUTION_FAILURE"
_VARIABLE_PREFIX = "Variable '$"


def is_variable_error(error: GraphQLError) -> bool:
    """graphql-core's refusal of a variable's value (it names the variable first)."""
    return error.path is None and error.message.startswith(_VARIABLE_PREFIX)


def _code(error: GraphQLError) -> str:
    if isinstance(error, GraphQLSyntaxError):
        return PARSE_FAILED
    if is_variable_error(error):
        return BAD_USER_INPUT
    if error.message.startswith(("Must provide operation name", "Unknown operation named")):
        return OPERATION_RESOLUTION_FAILURE
    if error.path is None and error.original_error is None:
        return VALIDATION_FAILED  # a validation rule's: they point at the document only
    return "INTERNAL_ERROR"  # graphql-core's own complaint about a value we produced


def give_codes(errors: list[GraphQLError] | None) -> None:
    """Give each error graphql-core raised without a code the one the contract names."""
    for error in errors or ():
        extensions = error.extensions if error.extensions is not None else {}
        if "code" not in extensions and not isinstance(error.original_error, GraphError):
            error.extensions = {**extensions, "code": _code(error)}


class OperationNameRequired(SchemaExtension):
    """A document with several operations must say which to run (the GraphQL spec's
    GetOperation); Strawberry would otherwise run the first."""

    def on_validate(self) -> Iterator[None]:
        document = self.execution_context.graphql_document
        # Strawberry fills operation_name with the first operation's when none was sent;
        # what the client sent is kept privately.
        sent = getattr(self.execution_context, "_provided_operation_name", None)
        if document is not None and sent is None:
            operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
            if len(operations) > 1:
                self.execution_context.pre_execution_errors = [
                    GraphQLError(
                        "Must provide operation name if query contains multiple operations.",
                        extensions={"code": OPERATION_RESOLUTION_FAILURE},
                    )
                ]
        yield


# --- before GraphQL runs -------------------------------------------------------------------

HTTP_CODES = {
    400: "BAD_REQUEST",
    405: "METHOD_NOT_ALLOWED",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
}
_UNSUPPORTED_TYPE = "Unsupported content type"


def _graphql_error_body(status: int, message: str) -> web.Response:
    if message == _UNSUPPORTED_TYPE:  # Strawberry answers it 400; HTTP says 415
        status = 415
    body = {"errors": [{"message": message, "extensions": {"code": HTTP_CODES[status]}}]}
    headers = {"Allow": "GET, POST"} if status == 405 else None
    return web.json_response(body, status=status, headers=headers)


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def http_error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Plain-text refusals of ``/graphql`` (from Strawberry or aiohttp) as GraphQL JSON."""
    if not request.path.endswith("/graphql"):
        return await handler(request)
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        if exc.status not in HTTP_CODES:
            raise
        text = (exc.text or exc.reason).removeprefix(f"{exc.status}: ")
        return _graphql_error_body(exc.status, text)
    if response.status in HTTP_CODES and response.content_type != "application/json":
        text = response.text if isinstance(response, web.Response) else None
        message = (text or response.reason or "").removeprefix(f"{response.status}: ")
        return _graphql_error_body(response.status, message)
    return response


def decode_request_json(data: str | bytes, decode: Callable[[str | bytes], object]) -> object:
    """A request body, refused in the client's terms when it is not a JSON object (or a
    batch of them) or nests deeper than the parser goes."""
    from cross_web import HTTPException

    try:
        value = decode(data)
    except RecursionError:
        raise HTTPException(400, "the request body nests too deeply") from None
    except (ValueError, UnicodeDecodeError):
        raise HTTPException(400, "Unable to parse request body as JSON") from None
    if not isinstance(value, dict | list):
        raise HTTPException(400, "the request body must be a JSON object") from None
    return value
