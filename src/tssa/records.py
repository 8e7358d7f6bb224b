"""Value classes made without `dataclasses`: equal, hashed and shown by their fields, copied with changes.

`dataclasses` writes and compiles each class's methods when its module is
imported (half a millisecond a class on a shared machine) and imports
`inspect`: a large part of what `tssa check` spent starting. A `Record`
writes its own `__init__`, whose parameters are its fields in order; the rest
is shared here.
"""

from __future__ import annotations

from operator import attrgetter

TYPE_CHECKING = False  # `typing` itself takes a millisecond to import; mypy reads this name as True
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TypeVar

    _R = TypeVar("_R", bound="Record")


class Record:
    """A value: its fields are its annotated attributes, in order, the base class's first.

    `class X(Record, mutable=True)` makes one that is not hashed (as a dataclass
    that is not frozen); `_hidden` names fields left out of `==` and `repr`.
    """

    __slots__ = ()
    _fields: tuple[str, ...] = ()
    _compared: tuple[str, ...] = ()
    _hidden: tuple[str, ...] = ()
    _key_of: Callable[[Any], tuple[Any, ...]] = staticmethod(lambda record: ())
    """The compared fields' values of a record of the class, in order (read in C, by `attrgetter`)."""

    def __init_subclass__(cls, mutable: bool = False, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # The class's own annotations (`inspect.get_annotations` would import `inspect`): strings, in order.
        own = tuple(name for name in cls.__dict__.get("__annotations__", {}) if not name.startswith("_"))  # noqa: RUF063
        cls._fields = (*cls._fields, *own)
        cls._compared = tuple(name for name in cls._fields if name not in cls._hidden)
        if len(cls._compared) > 1:
            cls._key_of = staticmethod(attrgetter(*cls._compared))
        elif cls._compared:
            only = attrgetter(cls._compared[0])
            cls._key_of = staticmethod(lambda record: (only(record),))
        if mutable:
            cls.__hash__ = None  # type: ignore[assignment]

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._key_of(self) == self._key_of(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._key_of(self))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._compared)
        return f"{self.__class__.__qualname__}({shown})"


def replace(record: _R, **changes: Any) -> _R:
    """A copy of `record` with some fields changed (made by its `__init__`, as `dataclasses.replace` does)."""
    values = {name: changes.pop(name) if name in changes else getattr(record, name) for name in record._fields}
    if changes:
        raise TypeError(f"{record.__class__.__qualname__} has no field {', '.join(changes)}")
    return record.__class__(**values)
