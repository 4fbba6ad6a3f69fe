"""Which spotter ACTION_SPOTTER names: the rules, or the learned model over the rules' candidates."""

from __future__ import annotations

from scoreminer.errors import ConfigError
from scoreminer.inference.actions.learned import LearnedSpotter
from scoreminer.inference.actions.spotter import ActionSpotter, RuleSpotter


def make_spotter(name: str, floors: dict[str, float]) -> ActionSpotter:
    """The spotter ACTION_SPOTTER names; the rules read ACTION_FLOORS, the learned one its model's own floors."""
    if name == "rules":
        return RuleSpotter(dict(floors))
    if name == "learned":
        return LearnedSpotter()
    raise ConfigError(f"ACTION_SPOTTER={name} is not a spotter", "use ACTION_SPOTTER=rules or learned")
