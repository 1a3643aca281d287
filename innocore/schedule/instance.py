"""The scheduling instance and a reader for the MiniZinc data format of the published B2B benchmark."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

MORNING, AFTERNOON, ANY = 1, 2, 3


class InstanceError(ValueError):
    """A malformed instance; the message says which field."""


@dataclass
class Meeting:
    a: int
    b: int
    session: int = ANY  # 1 morning only, 2 afternoon only, 3 any slot
    fixed: int = 0  # 0 free, t = must be in slot t (1-based)
    after: frozenset[int] = frozenset()  # meetings (0-based) that must take place strictly before this one
    priority: int = 1
    must: bool = False  # a must-meet pair: placed in every schedule, like a fixed meeting but in any slot


@dataclass
class Instance:
    name: str
    participants: int
    slots: int
    tables: int
    morning_slots: int
    meetings: list[Meeting]
    forbidden: dict[int, frozenset[int]] = field(default_factory=dict)  # participant -> 1-based slots

    def meetings_of(self, participant: int) -> list[int]:
        return [i for i, m in enumerate(self.meetings) if participant in (m.a, m.b)]

    def allowed_slots(self, i: int) -> list[int]:
        m = self.meetings[i]
        slots = range(1, self.slots + 1)
        if m.session == MORNING:
            slots = range(1, self.morning_slots + 1)
        elif m.session == AFTERNOON:
            slots = range(self.morning_slots + 1, self.slots + 1)
        banned = self.forbidden.get(m.a, frozenset()) | self.forbidden.get(m.b, frozenset())
        out = [s for s in slots if s not in banned]
        if m.fixed:
            out = [m.fixed] if m.fixed in out else []
        return out


def _field(text: str, name: str) -> str | None:
    m = re.search(rf"\b{name}\s*=\s*(.*?);", text, re.S)
    return m.group(1).strip() if m else None


def _int(text: str, name: str) -> int:
    raw = _field(text, name)
    if raw is None:
        raise InstanceError(f"missing field {name}")
    try:
        return int(raw)
    except ValueError as exc:
        raise InstanceError(f"{name} must be an integer, got {raw!r}") from exc


def _sets(raw: str | None) -> list[frozenset[int]]:
    if raw is None:
        return []
    return [frozenset(int(x) for x in re.findall(r"-?\d+", s)) for s in re.findall(r"\{([^}]*)\}", raw)]


def read_dzn(path: Path | str) -> Instance:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InstanceError(f"{path}: cannot read ({exc})") from exc
    text = re.sub(r"%[^\n]*", "", text)
    n = _int(text, "nMeetings")
    rows_raw = _field(text, "requested")
    if rows_raw is None:
        raise InstanceError("missing field requested")
    numbers = [int(x) for x in re.findall(r"-?\d+", rows_raw)]
    if len(numbers) != 3 * n:
        raise InstanceError(f"requested has {len(numbers)} numbers, expected 3 x nMeetings = {3 * n}")
    fixed_raw = _field(text, "fixed")
    fixed = [int(x) for x in re.findall(r"-?\d+", fixed_raw)] if fixed_raw else [0] * n
    precedences = _sets(_field(text, "precedences")) or [frozenset()] * n
    if len(fixed) != n or len(precedences) != n:
        raise InstanceError("fixed and precedences need one entry per meeting")
    meetings = [
        Meeting(
            numbers[3 * i], numbers[3 * i + 1], numbers[3 * i + 2], fixed[i], frozenset(j - 1 for j in precedences[i])
        )
        for i in range(n)
    ]
    forbidden = {p + 1: frozenset(s - {0}) for p, s in enumerate(_sets(_field(text, "forbidden")))}
    slots = _int(text, "nTotalSlots")
    morning = _field(text, "nMorningSlots")
    inst = Instance(
        name=path.name.removesuffix(".dzn"),
        participants=_int(text, "nBusiness"),
        slots=slots,
        tables=_int(text, "nTables"),
        morning_slots=int(morning) if morning else slots,
        meetings=meetings,
        forbidden=forbidden,
    )
    for m in meetings:
        if not (1 <= m.a <= inst.participants and 1 <= m.b <= inst.participants) or m.a == m.b:
            raise InstanceError(f"meeting {m.a}-{m.b} names an unknown participant")
    return inst
