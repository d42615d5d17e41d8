"""The invariants the chaos suite checks once the load stopped and the stack settled. Each
result names what it checks, how many cases it looked at and every violation, with a hint at
which mechanism owns it, so a failing run says what broke and why."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from tests.chaos.client import Call
from tests.chaos.load import DESTINATION_EVENTS, SOURCE_EVENTS, World
from tests.chaos.observers import Event

WEBHOOK_EVENTS = frozenset(SOURCE_EVENTS + DESTINATION_EVENTS)

# Names of the mechanisms a violation points at (issue 13's bullets).
ATOMIC = "all-or-nothing writes / idempotency leases / the pending reaper (issue 13, 1-3)"


@dataclass
class Check:
    """One invariant: its name, the cases checked and the violations (empty: it holds)."""

    name: str
    checked: int = 0
    violations: list[str] = field(default_factory=list)
    owner: str = ""

    @property
    def holds(self) -> bool:
        return not self.violations

    def summary(self, limit: int = 8) -> str:
        state = "ok" if self.holds else f"FAILED ({len(self.violations)})"
        lines = [f"{self.name}: {state}, {self.checked} checked"]
        if not self.holds and self.owner:
            lines.append(f"    likely owner: {self.owner}")
        lines += [f"    - {v}" for v in self.violations[:limit]]
        if len(self.violations) > limit:
            lines.append(f"    ... {len(self.violations) - limit} more")
        return "\n".join(lines)


@dataclass
class Facts:
    """What the stack holds after the run, read through the API and Kafka."""

    tokens: dict[str, str]  # token id -> status, every token of the source organization
    copies: Counter[str]  # token id -> copies in the destination's inquiries
    events: list[Event]  # connect.events of both organizations during the run


def copies_by_token(objects: list[dict[str, Any]]) -> Counter[str]:
    found: Counter[str] = Counter()
    for item in objects:
        provenance = item["attributes"].get("provenance") or {}
        if token := provenance.get("share-token-id"):
            found[str(token)] += 1
    return found


def acknowledged_states(world: World, facts: Facts) -> Check:
    """Every 201 ends as an existing token; every 202 ends ``redeemed``."""
    check = Check("every 201/202 a client saw ends in its right final state", owner=ATOMIC)
    for token in world.created:
        check.checked += 1
        status = facts.tokens.get(token)
        redeem = world.redeems.get(token)
        if status is None:
            check.violations.append(f"{token}: created (201) but not listed")
        elif redeem is not None and redeem.final == 202 and status != "redeemed":
            check.violations.append(f"{token}: redeem answered 202, token stuck `{status}`")
    return check


def nothing_refused_is_visible(world: World, facts: Facts) -> Check:
    """A token no client got a 201 for, or a redemption no client got a 202 for, was written
    though the client was told it was not (a write landing after its 503)."""
    check = Check("nothing a client was refused becomes visible", owner=ATOMIC)
    for token, status in facts.tokens.items():
        check.checked += 1
        if token not in world.created:
            check.violations.append(f"{token}: exists (`{status}`) but no client got its 201")
            continue
        redeem = world.redeems.get(token)
        accepted = redeem is not None and redeem.final == 202
        if status in ("pending", "redeemed", "failed") and not accepted:
            answered = redeem.statuses if redeem else "never asked"
            check.violations.append(f"{token}: `{status}` but its redeem answered {answered}")
    return check


def one_copy_each(world: World, facts: Facts) -> Check:
    check = Check("exactly one copy per redeemed token")
    for token, status in facts.tokens.items():
        if status != "redeemed":
            if facts.copies.get(token):
                check.violations.append(f"{token}: `{status}` with {facts.copies[token]} copies")
            continue
        check.checked += 1
        if facts.copies.get(token, 0) != 1:
            check.violations.append(f"{token}: {facts.copies.get(token, 0)} copies")
    return check


def delivered_once_per_id(world: World, facts: Facts) -> Check:
    """Every event of the run reached the sink at least once, and each (token, event name) has
    one event id on Kafka and at the sink."""
    check = Check("every event delivered at least once, with one id")
    ours = {world.source_org, world.destination_org}
    # The events the webhooks subscribe to (connections and inquiries have events too).
    on_kafka = [e for e in facts.events if e.organization in ours and e.name in WEBHOOK_EVENTS]
    ids_by_fact: dict[tuple[str | None, str], set[str]] = defaultdict(set)
    for event in on_kafka:
        check.checked += 1
        ids_by_fact[(event.token, event.name)].add(event.id)
        if event.id not in world.sink.arrivals:
            check.violations.append(f"{event.name} {event.id} ({event.token}) never delivered")
    for arrivals in world.sink.arrivals.values():
        for event in arrivals:
            ids_by_fact[(event.token, event.name)].add(event.id)
    for (token, name), ids in ids_by_fact.items():
        if len(ids) > 1:
            check.violations.append(f"{name} of {token} has {len(ids)} ids: {sorted(ids)}")
    # Every fact a client was told of has its events.
    for token, status in facts.tokens.items():
        names = ["outbound-created", "inbound-created"]
        names += ["outbound-redeemed", "inbound-redeemed"] if status == "redeemed" else []
        for short in names:
            if not ids_by_fact.get((token, f"connect/share-token.{short}")):
                check.violations.append(f"{token} (`{status}`): no {short} event")
    if world.sink.bad_signatures:
        check.violations.append(f"{world.sink.bad_signatures} deliveries with a bad signature")
    return check


def only_503(world: World) -> Check:
    check = Check("no 5xx but 503 (and the gateway always answered)")
    check.checked = sum(world.traffic.statuses.values())
    for status, count in sorted(world.traffic.five_hundreds().items()):
        label = "no answer" if status == 0 else str(status)
        check.violations.append(f"{count} x {label}")
    return check


def nothing_refused_forever(calls: list[Call]) -> Check:
    """Calls that still said "try again" after their retry budget and one more budget once the
    faults were over."""
    check = Check("no client retry refused forever", owner=ATOMIC)
    check.checked = len(calls)
    for call in calls:
        if call.gave_up:
            tail = ", ".join(str(s) for s in call.statuses[-3:])
            detail = call.details[-1][:90] if call.details else ""
            check.violations.append(f"{call.kind} {call.path}: still {tail} ({detail})")
    return check


def all_checks(world: World, facts: Facts) -> list[Check]:
    return [
        acknowledged_states(world, facts),
        one_copy_each(world, facts),
        delivered_once_per_id(world, facts),
        only_503(world),
        nothing_refused_forever(world.traffic.calls),
        nothing_refused_is_visible(world, facts),
    ]
