# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
X11 keyboard reader: which mapped keys are held down right now.

It polls the server's key bitmap (XQueryKeymap) instead of listening to key events, so a held key
reads as held (the server's auto-repeat cannot fake releases) and modifiers such as Shift and
Ctrl count as keys of their own. The bitmap is the whole display's, like gym-hil's listener:
keys typed into any window of that display are seen.
"""

import os

OTHER_BACKEND = (
    'use the terminal backend instead (-p backend:=terminal), which reads the '
    'terminal the node runs in and works over SSH'
)


class X11Keys:
    """Reads the held state of the keys of a key map {keysym name: action} from an X display."""

    def __init__(self, key_map, display_name=None):
        """Connect to the display; raise RuntimeError naming the terminal backend if impossible."""
        try:
            from Xlib import display, error, XK
        except ImportError as err:
            raise RuntimeError(
                f'the X11 keyboard backend needs python-xlib ({err}); {OTHER_BACKEND}'
            ) from err
        display_name = display_name or os.environ.get('DISPLAY')
        if not display_name:
            raise RuntimeError(f'no X display: DISPLAY is not set; {OTHER_BACKEND}')
        try:
            self.display = display.Display(display_name)
        except (error.DisplayError, OSError, OverflowError) as err:
            raise RuntimeError(
                f'cannot open X display {display_name!r} ({err}); {OTHER_BACKEND}'
            ) from err
        self.display_name = display_name
        self.errors = (error.ConnectionClosedError, error.XError, OSError)
        self.codes = {}
        for name, action in key_map.items():
            keysym = XK.string_to_keysym(name)
            if keysym == XK.NoSymbol:
                self.display.close()
                raise ValueError(f'unknown X keysym {name!r} in the key map (see `xev` for names)')
            keycode = self.display.keysym_to_keycode(keysym)
            if keycode == 0:
                continue  # not on this keyboard layout: missing() reports it
            if self.codes.get(keycode, action) != action:
                self.display.close()
                raise ValueError(
                    f'keysym {name!r} shares key code {keycode} with a key bound to '
                    f'{self.codes[keycode]!r}; one physical key, one action'
                )
            self.codes[keycode] = action
        self.unmapped = sorted(
            name
            for name in key_map
            if self.display.keysym_to_keycode(XK.string_to_keysym(name)) == 0
        )

    def held(self):
        """Return the actions whose key is down now (raises one of self.errors if X is gone)."""
        keymap = self.display.query_keymap()
        return {
            action for code, action in self.codes.items() if keymap[code >> 3] & (1 << (code & 7))
        }

    def close(self):
        """Disconnect from the display."""
        try:
            self.display.close()
        except self.errors:
            pass  # the connection is already gone: nothing left to free
