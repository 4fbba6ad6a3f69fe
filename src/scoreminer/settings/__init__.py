"""The one settings object: every knob of the miner, where its value came from, and the .env used.

Precedence, highest first: a command's own flag > `--set KEY=VALUE` > process environment >
.env file > preset (e.g. `--demo`) > default. This package is the only code that reads or writes the
process environment: `model` (the fields), `env_file` (which .env), `load` (the layers, sources and
errors), `process` (variables of other programs).
"""

from scoreminer.settings.env_file import ENV_FILE_VARIABLE, EnvFileLookup, find_env_file
from scoreminer.settings.load import FOREIGN_PREFIXES, check_keys, closest_setting, load_settings
from scoreminer.settings.model import NETWORK_ADDRESSES, Preset, Settings
from scoreminer.settings.process import pm2_home, set_process_environment, ultralytics_offline

__all__ = [
    "ENV_FILE_VARIABLE",
    "FOREIGN_PREFIXES",
    "NETWORK_ADDRESSES",
    "EnvFileLookup",
    "Preset",
    "Settings",
    "check_keys",
    "closest_setting",
    "find_env_file",
    "load_settings",
    "pm2_home",
    "set_process_environment",
    "ultralytics_offline",
]
