"""Uploads after the person's actions: which actions a server's uploads follow, and how likely that is by
chance, for the `destination` records the behaviour rule net.flow.upload_after_action reads.

Three things keep ordinary phones from looking like stalkerware (issue 10, benchmarks/bench_false_suspicion.py):
- uploads count for the last action before them only, and one session of traffic (bursts a few seconds
  apart: an app in use) counts once: a photo taken a few seconds after opening a web page must not make the
  page load count as "uploads after two actions";
- the share of the capture that lies right after some action (`window_share`): when the person's actions
  cover most of it, any traffic follows an action and nothing can be told from it;
- `chance`, the probability that at least this many of the server's uploads would fall right after an action
  if they came at random times (binomial, p = window_share): three weather updates landing after three
  actions by luck are not a pattern, five uploads right after five actions in a quiet half hour are.
A server never seen away from the actions (`baseline_bursts` 0) has no usual traffic to stand out from:
every burst of it counts as an upload, so the rule asks more of it.
"""

from __future__ import annotations

import bisect
import math
import statistics
from dataclasses import dataclass

from stalkerlab.detector.stimuli import Stimulus

# An upload "follows" an action when it starts within this many seconds after it.
ACTION_WINDOW_S = 60.0
# Bursts at least this big count as uploads (a beacon is a few hundred bytes).
UPLOAD_MIN_BYTES = 250
# Uploads closer together than this are one use of an app (interactive apps exchange every few seconds).
SESSION_GAP_S = 30.0


@dataclass(frozen=True)
class ActionTimeline:
    """The person's actions over the capture's span."""

    actions: tuple[Stimulus, ...]          # in time order
    window_share: float                    # share of the capture lying within ACTION_WINDOW_S after an action
    times: tuple[float, ...] = ()          # of the actions, for bisection

    @classmethod
    def of(cls, stimuli: list[Stimulus], start: float, end: float) -> ActionTimeline:
        actions = tuple(sorted(stimuli, key=lambda s: s.time))
        covered, reach = 0.0, start
        for s in actions:
            lo, hi = max(s.time, reach), min(s.time + ACTION_WINDOW_S, end)
            if hi > lo:
                covered += hi - lo
                reach = hi
        return cls(actions, round(covered / (end - start), 3) if end > start else 1.0, tuple(s.time for s in actions))

    def last_action(self, t: float) -> Stimulus | None:
        """The last action at or before `t`, when `t` lies within its window."""
        i = bisect.bisect_right(self.times, t)
        if i and t <= self.actions[i - 1].time + ACTION_WINDOW_S:
            return self.actions[i - 1]
        return None


@dataclass(frozen=True)
class FollowedActions:
    actions: list[Stimulus]                # the actions an upload followed, each once, in time order
    chance: float                          # how likely so many uploads follow actions at random times
    opened_after: str | None               # the action the first connection followed ("browse": a page opened)
    upload_sessions: int = 0               # sessions of its traffic with an upload (an app in use: one)
    baseline_bursts: int = 0               # bursts away from the actions: its usual traffic


def follow(flows: list[dict], timeline: ActionTimeline) -> FollowedActions:
    """Which actions this destination's uploads follow. An upload is a burst clearly bigger than its usual
    traffic: the median burst outside the action windows (beacons, syncs), so that stalkerware that also
    checks in on a timer does not look as if it followed every action by chance."""
    first = min((f["start"] for f in flows), default=None)
    opened = timeline.last_action(first) if first is not None else None
    bursts = [(t, b) for f in flows for t, b in f.get("bursts", ())]
    if not bursts or not timeline.actions:
        return FollowedActions([], 1.0, opened.action if opened else None)
    baseline = [b for t, b in bursts if timeline.last_action(t) is None]
    threshold = max(UPLOAD_MIN_BYTES, 3 * statistics.median(baseline)) if baseline else UPLOAD_MIN_BYTES
    sessions = _first_uploads(bursts, threshold)
    attributed = [s for s in (timeline.last_action(t) for t in sessions) if s is not None]
    followed = sorted(set(attributed), key=lambda s: s.time)
    return FollowedActions(followed, _at_least(len(attributed), len(sessions), timeline.window_share),
                           opened.action if opened else None, len(sessions), len(baseline))


def _first_uploads(bursts: list[tuple[float, int]], threshold: float) -> list[float]:
    """The first upload of each session that has one. A session is a run of bursts (of any size) less than
    SESSION_GAP_S apart: an app in use exchanges every few seconds, and one use of it follows one action."""
    firsts, last, found = [], None, False
    for t, size in sorted(bursts):
        if last is not None and t - last >= SESSION_GAP_S:
            found = False
        if size >= threshold and not found:
            firsts.append(t)
            found = True
        last = t
    return firsts


def _at_least(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p), in logarithms so that thousands of bursts cannot overflow."""
    if k <= 0 or p >= 1.0:
        return 1.0
    if p <= 0.0:
        return 0.0
    log_p, log_q = math.log(p), math.log1p(-p)
    total = sum(math.exp(math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1) + i * log_p
                         + (n - i) * log_q) for i in range(k, n + 1))
    return round(min(1.0, total), 6)
