"""Context-manager support shared by every executor."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from types import TracebackType
    from typing import Self

__all__ = ["Closing"]


class Closing:
    """``with executor: ...`` closes the executor on the way out, whatever happened."""

    __slots__ = ()

    def close(self) -> None:
        """Release what the executor holds (nothing, unless a subclass says otherwise)."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
