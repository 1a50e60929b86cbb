"""What a table screen asks for derived columns and cuts: = a column, K a saved cut, ctrl+k a cut's name.

Mixed into the table screen, which has the view, its display, the prompt bar and `redraw`; every computation
is core's (derived_values, selection_mask, add_derived_column, add_cut).
"""

from __future__ import annotations

from spectui.core.errors import BadInput

from ..widgets.arrow_display import ArrowDisplay
from ..widgets.prompt_bar import PromptBar
from .confirm import ConfirmScreen
from .pick import PickScreen

COLUMN_EXAMPLE = "airmass = 1/cosd(zenith_angle)"
COLUMN_HINT = f"NAME = EXPRESSION, e.g. {COLUMN_EXAMPLE} · enter adds it · escape cancels"
NO_CUT = "(no cut)"


class ColumnsAndCuts:
    """The `=`, K and ctrl+k keys of a table screen; mistakes are one notification each, nothing is lost."""

    derived: dict[str, str]

    def prompt_answered(self, purpose: str, text: str) -> bool:
        """Act on the prompt bar's text for a column or a cut name; False (said) when it must stay open."""
        try:
            if purpose == "column":
                self._add_column(text)
            else:
                self._save_cut(text.strip())
        except BadInput as exc:
            self.app.report(exc)
            return False
        return True

    # Derived columns

    def action_add_column(self) -> None:
        """Ask for NAME = EXPRESSION, add that column to this table, then offer to save it."""
        self.query_one(PromptBar).open("column", "= column:", "", COLUMN_HINT)

    def _add_column(self, text: str) -> None:
        from spectui.core.analysis.derived_columns import DerivedColumn, derived_values

        name, _, expression = text.partition("=")
        column = DerivedColumn(name.strip().strip("`"), expression.strip())
        if not column.name or not column.expression:
            raise BadInput(f"write NAME = EXPRESSION, e.g. {COLUMN_EXAMPLE}.")
        self.view.add_column(column.name, derived_values(self.view.base, column))
        self.derived[column.name] = column.expression
        self.display_table = ArrowDisplay.from_frame(self.view.base)
        self.redraw(column=column.name)
        question = f"Added {column.name}. Save it, so that every results table gets it?"
        self.app.push_screen(ConfirmScreen(question), lambda yes: yes and self._save_column(column))

    def _save_column(self, column) -> None:
        from spectui.core.analysis.derived_columns import add_derived_column

        try:
            add_derived_column(column.name, column.expression)
        except BadInput as exc:
            self.app.report(exc)
            return
        self.app.notify(f"Saved the derived column {column.name} = {column.expression}", title="Saved",
                        markup=False)

    # Cuts

    def action_pick_cut(self) -> None:
        """Choose a saved quality cut hiding the rows that fail it, or none."""
        from spectui.core.analysis.cuts import load_cuts

        try:
            names = list(load_cuts())
            if not names:
                raise BadInput("no quality cut is saved: filter with |, then save the filter as a cut "
                               "(ctrl+k).")
        except BadInput as exc:
            self.app.report(exc)
            return
        current = self.view.cut_name or NO_CUT
        self.app.push_screen(PickScreen("Apply a saved cut", [NO_CUT, *names], current), self._apply_cut)

    def _apply_cut(self, name: str | None) -> None:
        from spectui.core.analysis.cuts import selection_mask

        if name is None:
            return
        try:
            with self.changing_view():
                self.view.set_cut(None if name == NO_CUT else name,
                                  lambda frame: selection_mask(frame, [name]))
        except BadInput as exc:
            self.app.report(exc)

    def action_save_cut(self) -> None:
        """Ask for a name and save the filter's expression as a quality cut."""
        if not self.view.filter_text:
            self.app.report(BadInput("no filter to save: filter the rows with | first."))
            return
        self.query_one(PromptBar).open("cut", "save the filter as the cut:", "",
                                       f"a name for {self.view.filter_text} · enter saves · escape cancels")

    def _save_cut(self, name: str) -> None:
        from spectui.core.analysis.cuts import add_cut, load_cuts

        if name in load_cuts():
            raise BadInput(f"a cut named {name!r} exists already: choose another name.")
        cut = add_cut(name, self.view.filter_text)
        self.app.notify(f"Saved the cut {cut.name}: {cut.expression}", title="Saved", markup=False)
