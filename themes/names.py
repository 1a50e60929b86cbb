"""Theme names needed before Textual is imported (the first frame of `spectui open` is drawn without it)."""

DEFAULT_THEME = "spectui-dark"
