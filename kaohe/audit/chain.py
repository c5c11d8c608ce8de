"""The hash chain: canonical JSON of an event, its SHA-256, and the verification of the chain.

``hash = sha256(canonical({id, at, actor_id, actor_name, action, model, object_id, object_repr,
changes, ip, user_agent, path, prev_hash}))`` where canonical JSON has sorted keys, no spaces and
UTF-8 text, and ``at`` is written in UTC with microseconds. The first event's ``prev_hash`` is
:data:`GENESIS`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

GENESIS: Final = "0" * 64
HASHED: Final = (
    "id",
    "at",
    "actor_id",
    "actor_name",
    "action",
    "model",
    "object_id",
    "object_repr",
    "changes",
    "ip",
    "user_agent",
    "path",
    "prev_hash",
)


def json_value(value: Any) -> Any:
    """A value as JSON can hold it: dates ISO, decimals and other objects as text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [json_value(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    return str(value)


def canonical(value: Any) -> str:
    return json.dumps(json_value(value), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def utc_text(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(fields: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of an event's hashed fields."""
    body = {name: fields[name] for name in HASHED}
    body["at"] = utc_text(body["at"])
    return hashlib.sha256(canonical(body).encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Broken:
    """The first broken link: which event, what was expected and what was found."""

    event_id: int
    what: str
    expected: str
    found: str

    def __str__(self) -> str:
        return (
            f"event {self.event_id}: {self.what} broken: expected {self.expected}, "
            f"found {self.found}"
        )


@dataclass(frozen=True, slots=True)
class Verified:
    count: int
    last_hash: str
    broken: Broken | None


def chain_verify(events: Iterable[Mapping[str, Any]]) -> Verified:
    """Walk the events in id order; stop at the first broken link.

    Checked per event: its id follows the previous one (no event removed or inserted), its
    ``prev_hash`` is the previous event's hash (order kept), and its ``hash`` is the hash of its
    own fields (nothing edited).
    """
    prev_hash, prev_id, count = GENESIS, 0, 0
    for event in events:
        event_id = int(event["id"])
        if event_id != prev_id + 1:
            return Verified(
                count,
                prev_hash,
                Broken(event_id, "sequence", f"id {prev_id + 1}", f"id {event_id}"),
            )
        if event["prev_hash"] != prev_hash:
            return Verified(
                count, prev_hash, Broken(event_id, "prev_hash", prev_hash, event["prev_hash"])
            )
        expected = event_hash(event)
        if event["hash"] != expected:
            return Verified(count, prev_hash, Broken(event_id, "hash", expected, event["hash"]))
        prev_hash, prev_id, count = event["hash"], event_id, count + 1
    return Verified(count, prev_hash, None)
