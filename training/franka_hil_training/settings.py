# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The settings files of the routes (configs/*.yaml) and the corrective human of a run.

The human's settings (configs/sparing_human.yaml) are checked against IntervenerConfig
(franka_hil_teleop.intervener, which imports no ROS) when this module is imported: a name it
lacks or a value it refuses fails the import, not a run twenty minutes in.
"""

from pathlib import Path

from franka_hil_teleop.intervener import IntervenerConfig
import yaml

CONFIGS = Path(__file__).resolve().parent / 'configs'


def load(name):
    """Return configs/<name>.yaml as a dict, in the file's order."""
    settings = yaml.safe_load((CONFIGS / f'{name}.yaml').read_text())
    if not isinstance(settings, dict):
        raise ValueError(f'{CONFIGS / name}.yaml: expected NAME: VALUE lines')
    return settings


def intervener_parameters(assignments):
    """Return {'intervener.NAME': value} of NAME=VALUE texts, typed as IntervenerConfig's."""
    defaults = vars(IntervenerConfig())
    parameters = {}
    for text in assignments:
        name, sep, value = (part.strip() for part in text.partition('='))
        if not sep or name not in defaults:
            raise SystemExit(
                f'--intervener {text!r}: expected NAME=VALUE with NAME one of {sorted(defaults)}'
            )
        try:
            parameters[f'intervener.{name}'] = type(defaults[name])(value)
        except ValueError:
            raise SystemExit(
                f'--intervener {text!r}: {value!r} is not a {type(defaults[name]).__name__}'
            ) from None
    return parameters


def checked_human(settings):
    """Return a human's settings (dict) as NAME=VALUE texts; refuse what IntervenerConfig does."""
    texts = tuple(f'{name}={value}' for name, value in settings.items())
    try:
        typed = intervener_parameters(texts)
    except SystemExit as error:
        raise ValueError(str(error)) from None
    problems = IntervenerConfig(**{k.split('.', 1)[1]: v for k, v in typed.items()}).problems()
    if problems:
        raise ValueError(f'human settings {settings}: {"; ".join(problems)}')
    return texts


# ('time_out_s=0', 'away_steps=6', ...): a run's --intervener options go on top of these.
SPARING_HUMAN = checked_human(load('sparing_human'))
