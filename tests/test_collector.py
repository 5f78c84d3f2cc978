"""The garbage collector around the steps that make many objects (``collector.paused``).

What a user would notice if this broke is time: a build whose young collections walk
every spec, fact and row again, or, under ``mkdocs serve``, rebuilds whose full
collections walk the whole site again because what the first build set aside was
put back. Both are checked here as the collector's state, which cannot be flaky.
"""

from __future__ import annotations

import gc

import pytest

from mkdocs_modelspec import collector


class Made:
    """An object the collector tracks (instances of Python classes are)."""


@pytest.fixture
def collector_on():
    enabled = gc.isenabled()
    gc.enable()
    yield
    if not enabled:
        gc.disable()


def test_paused_inside_and_enabled_again_after(collector_on):
    with collector.paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_left_off_when_it_was_off(collector_on):
    gc.disable()
    with collector.paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_enabled_again_when_the_step_fails(collector_on):
    with pytest.raises(ValueError, match="a step that fails"), collector.paused():
        raise ValueError("a step that fails")
    assert gc.isenabled()


def test_what_a_step_made_skips_the_young_generations(collector_on):
    set_aside = gc.get_freeze_count()
    gc.unfreeze()  # as in a build (an earlier test may have frozen objects)
    try:
        with collector.paused():
            made = [Made() for _ in range(1000)]
        oldest = {id(o) for o in gc.get_objects(generation=2)}
        assert all(id(o) in oldest for o in made)
        assert gc.get_freeze_count() == 0  # nothing is set aside for good
    finally:
        if set_aside:
            gc.freeze()


def test_what_serve_set_aside_stays_aside(collector_on):
    """Under `mkdocs serve` the first build's objects are frozen (plugin._settle);
    a step of a rebuild must not put them back in the collector's way."""
    frozen_here = not gc.get_freeze_count()
    kept = Made()
    gc.freeze()
    try:
        before = gc.get_freeze_count()
        with collector.paused():
            made = [Made() for _ in range(1000)]
        assert gc.get_freeze_count() == before
        assert all(id(o) != id(kept) for o in gc.get_objects())  # still frozen
        oldest = {id(o) for o in gc.get_objects(generation=2)}
        assert not any(id(o) in oldest for o in made)  # the ordinary way: young first
    finally:
        if frozen_here:
            gc.unfreeze()
