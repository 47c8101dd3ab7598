"""The operator's part in a DMS sign-in: the SMS or e-mail code some logins need, and a
retry after the DMS refused the credentials.

A connection whose login's MFA is a code sent to a person reports NEEDS_MFA on every
dealership it serves (``connectionStatus.mfa`` says where the code went) and answers
nothing until an operator submits the code. These writes need the ``connections`` scope.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

import strawberry

from adapters.base import DmsAdapter
from adapters.errors import AdapterError, MfaCodeExpired, MfaCodeRejected, MfaNotPending
from graph.context import Info
from graph.errors import require_scope, upstream_error
from graph.mutations.checks import UserError, UserErrorCode
from graph.types.dealership import Dealership

SCOPE = "connections"
_CODE = re.compile(r"\d{4,10}")
_OPERATOR_ERRORS: dict[type[AdapterError], UserErrorCode] = {
    MfaNotPending: UserErrorCode.MFA_NOT_PENDING,
    MfaCodeRejected: UserErrorCode.MFA_CODE_REJECTED,
    MfaCodeExpired: UserErrorCode.MFA_CODE_EXPIRED,
}


@strawberry.input
class SubmitDmsMfaCodeInput:
    dealership_id: strawberry.ID
    code: str = strawberry.field(description="The digits the person received, as sent.")


@strawberry.input
class RequestDmsMfaCodeInput:
    dealership_id: strawberry.ID


@strawberry.input
class RetryDmsConnectionInput:
    dealership_id: strawberry.ID


@strawberry.type(
    description="A sign-in step's result; every dealership on the connection shares it."
)
class DmsSignInPayload:
    user_errors: list[UserError] = strawberry.field(
        description="Why the step did not happen (wrong or expired code, no code awaited)."
    )
    dealership: Dealership | None = strawberry.field(
        description="The dealership, with its connectionStatus as it is now."
    )


Step = Callable[[DmsAdapter], Awaitable[object]]


async def _sign_in_step(
    info: Info,
    dealership_id: strawberry.ID,
    step: Step,
    *,
    code_field: bool = False,
    invalid: UserError | None = None,
) -> DmsSignInPayload:
    """Scope, dealership, then ``step`` on its connection unless the input was ``invalid``."""
    ctx = info.context
    require_scope(ctx.client.scopes, SCOPE)
    resolved = ctx.resolve_id(dealership_id)
    if resolved is None or resolved[0].type_name != "Dealership":
        error = UserError(
            field=["dealershipId"],
            code=UserErrorCode.UNKNOWN_ID,
            message="not the id of a Dealership this API key may see",
        )
        return DmsSignInPayload(user_errors=[error], dealership=None)
    entry = resolved[1]
    if invalid is not None:
        return DmsSignInPayload(user_errors=[invalid], dealership=Dealership.from_entry(entry))
    try:
        await step(entry.adapter)
    except (MfaNotPending, MfaCodeRejected, MfaCodeExpired) as exc:
        field = ["code"] if code_field and not isinstance(exc, MfaNotPending) else []
        error = UserError(field=field, code=_OPERATOR_ERRORS[type(exc)], message=exc.message)
        return DmsSignInPayload(user_errors=[error], dealership=Dealership.from_entry(entry))
    except AdapterError as exc:
        raise upstream_error(exc, entry.id) from exc
    return DmsSignInPayload(user_errors=[], dealership=Dealership.from_entry(entry))


@strawberry.type
class ConnectionMutations:
    @strawberry.mutation(
        description="Complete a DMS sign-in that waits for a code sent by SMS or e-mail"
        " (connectionStatus.state NEEDS_MFA). Needs the connections scope."
    )
    async def submit_dms_mfa_code(
        self, info: Info, input: SubmitDmsMfaCodeInput
    ) -> DmsSignInPayload:
        code = input.code.strip()
        invalid = None
        if not _CODE.fullmatch(code):
            # Refused here: a malformed code would spend one of the DMS's few attempts.
            invalid = UserError(
                field=["code"], code=UserErrorCode.INVALID_VALUE, message="must be 4 to 10 digits"
            )
        return await _sign_in_step(
            info,
            input.dealership_id,
            lambda a: a.submit_mfa_code(code),
            code_field=True,
            invalid=invalid,
        )

    @strawberry.mutation(
        description="Sign in to the dealership's DMS now, after it refused the credentials"
        " (connectionStatus.state AUTH_FAILED; sign-ins are otherwise held back, at most"
        " three an hour): for after the password was corrected at the DMS. Closes the"
        " connection's circuits. Needs the connections scope."
    )
    async def retry_dms_connection(
        self, info: Info, input: RetryDmsConnectionInput
    ) -> DmsSignInPayload:
        return await _sign_in_step(info, input.dealership_id, lambda a: a.retry_sign_in())

    @strawberry.mutation(
        description="Have the DMS send a new sign-in code (the last one expired or never"
        " came). Each call texts or e-mails a person. Needs the connections scope."
    )
    async def request_dms_mfa_code(
        self, info: Info, input: RequestDmsMfaCodeInput
    ) -> DmsSignInPayload:
        return await _sign_in_step(info, input.dealership_id, lambda a: a.request_mfa_code())
