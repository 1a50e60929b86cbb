"""The app's screens, one module each: they run core code in workers and show what comes back. They may
import core, the dialogs and the widgets.
"""
