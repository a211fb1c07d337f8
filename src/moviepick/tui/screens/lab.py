"""Lab: the trained models, training with a live curve, evaluation and the leaderboard, and two
models compared on your taste.

Every job (a training, an evaluation) is queued on the app (:mod:`moviepick.tui.lab_control`)
and runs in a child process, one after another; the line under the tabs says what runs, how
far it got and what waits. Nothing here blocks: searching and rating go on meanwhile.

The Models tab lists every model saved for the dataset and every model type not trained yet.
Its keys act on the highlighted row, or on the rows marked with space: enter takes picks from
a model, t trains its type, e evaluates, r evaluates again, c compares two on your taste,
n renames and d deletes.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import (
    DataTable,
    Input,
    Label,
    ProgressBar,
    Select,
    Static,
    TabbedContent,
    TabPane,
)

from moviepick.errors import MoviepickError
from moviepick.tui.job_queue import EvaluateRequest, LabJob, TrainRequest, running
from moviepick.tui.screens.base import AppScreen
from moviepick.tui.screens.confirm import ConfirmScreen
from moviepick.tui.screens.lab_dialogs import EvaluateScreen, RenameScreen

if TYPE_CHECKING:
    from moviepick.services.leaderboards import Leaderboards
    from moviepick.services.taste_fit import TasteComparison
    from moviepick.store import ModelInfo

TABS = ("lab-models", "lab-train", "lab-leaderboard", "lab-compare")
MARK = "●"
DEFAULT_PROTOCOL = "top-n"
TICK_SECONDS = 1.0  # the ETA and the elapsed time move on this often


def _duration(seconds: float) -> str:
    minutes, seconds = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02}:{seconds:02}" if hours else f"{minutes}:{seconds:02}"


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    amount = float(size)
    for unit in ("KB", "MB", "GB"):
        amount /= 1024
        if amount < 1024 or unit == "GB":
            break
    return f"{amount:.1f} {unit}"


def job_line(job: LabJob, now: float) -> str:
    """A job in a line: what it is, how far, how long it has left."""
    if job.status == "queued":
        return f"waiting: {job.title}"
    if job.finished:
        return f"{job.status}: {job.title} · {job.line}"
    parts = [f"▶ {job.title}", job.line, f"{_duration(job.elapsed(now))} so far"]
    eta = job.eta(now)
    if eta is not None:
        parts.append(f"about {_duration(eta)} left")
    return " · ".join(part for part in parts if part)


class LabScreen(AppScreen):
    MODE = "lab"
    AUTO_FOCUS = "#lab-models-table"

    DEFAULT_CSS = """
    #lab-queue { height: auto; max-height: 3; padding: 0 1; color: $text-muted; }
    #lab-tabs { height: 1fr; }
    #lab-tabs TabPane { padding: 0; }
    #lab-models-table { height: 1fr; }
    #lab-models-note { height: 1; padding: 0 1; color: $text-muted; }
    #train-body { height: 1fr; }
    #train-left { width: 1fr; min-width: 36; max-width: 60; }
    #train-right { width: 2fr; border-left: tall $panel; }
    #train-type-row, #train-name-row { height: 1; margin-bottom: 1; }
    #train-type-row Label, #train-name-row Label { width: 16; padding: 0 1 0 0; text-align: right; }
    #train-left { padding-top: 1; }
    #train-model, #train-name { width: 1fr; max-width: 40; }
    #train-status { height: 1; padding: 0 1; }
    #train-bar { padding: 0 1; height: 1; }
    #train-right CurvePlot { min-height: 5; }
    """

    BINDINGS = [
        Binding(
            "m",
            "tab('lab-models')",
            "Models",
            show=False,
            id="lab-models",
            tooltip="The saved models",
        ),
        Binding("t", "train", "Train", id="lab-train", tooltip="Train the highlighted type"),
        Binding(
            "b",
            "tab('lab-leaderboard')",
            "Board",
            show=False,
            id="lab-leaderboard",
            tooltip="The leaderboard of the evaluations",
        ),
        Binding(
            "v",
            "tab('lab-compare')",
            "Versus",
            show=False,
            id="lab-versus",
            tooltip="Two models compared on your taste",
        ),
        Binding(
            "ctrl+s",
            "start_training",
            "Start",
            priority=True,
            id="lab-start-training",
            tooltip="Train the model of the form (enter in a box does it too)",
        ),
        Binding(
            "ctrl+x",
            "cancel_job",
            "Cancel job",
            priority=True,
            id="lab-cancel",
            tooltip="Stop the job that runs now; a model it was saving is not kept",
        ),
        Binding(
            "escape",
            "leave_form",
            "Leave box",
            show=False,
            id="lab-leave-box",
            tooltip="From a box of the form to the model type",
        ),
        Binding("enter", "activate", "Use", id="lab-activate", tooltip="Take picks from it"),
        Binding("space", "mark", "Mark", id="lab-mark", tooltip="Mark for evaluate or compare"),
        Binding("e", "evaluate", "Evaluate", id="lab-evaluate", tooltip="Evaluate the types"),
        Binding(
            "r",
            "evaluate(True)",
            "Re-evaluate",
            show=False,
            id="lab-reevaluate",
            tooltip="Evaluate again, even where a result is stored",
        ),
        Binding(
            "c", "compare", "Compare", id="lab-compare", tooltip="Two saved models on your taste"
        ),
        Binding("n", "rename", "Rename", id="lab-rename", tooltip="Rename the saved model"),
        Binding("d", "delete", "Delete", id="lab-delete", tooltip="Delete the saved model"),
        Binding(
            "R",
            "resume",
            "Resume",
            show=False,
            id="lab-resume",
            tooltip="Resume the type's interrupted training from its last checkpoint",
        ),
    ]
    # The keys that act on rows of the Models tab.
    ROW_ACTIONS = frozenset({"activate", "mark", "evaluate", "compare", "rename", "delete"})

    def __init__(self) -> None:
        super().__init__()
        self._marked: set[str] = set()  # row keys: a saved name, or "type:<model>"
        self._form_model: str | None = None  # the model type the form is built for
        self._job_running = False
        self._curve_drawn: tuple[int, int] | None = None  # the job and epochs the curve shows

    def compose_body(self) -> ComposeResult:
        from moviepick.models.registry import model_names
        from moviepick.tui.widgets.leaderboard_view import LeaderboardView
        from moviepick.tui.widgets.plots import CurvePlot
        from moviepick.tui.widgets.plots.curve import LOSS, VALID
        from moviepick.tui.widgets.taste_view import TasteView

        yield Static("No job runs. t trains a model; e evaluates.", id="lab-queue")
        with TabbedContent(id="lab-tabs", initial="lab-models"):
            with TabPane("Models (m)", id="lab-models"):
                yield DataTable(id="lab-models-table", cursor_type="row", zebra_stripes=True)
                yield Static(id="lab-models-note")
            with TabPane("Train (t)", id="lab-train"), Horizontal(id="train-body"):
                with Vertical(id="train-left"):
                    with Horizontal(id="train-type-row"):
                        yield Label("model")
                        yield Select[str](
                            [(name, name) for name in model_names()],
                            value=self.app.config.model,
                            allow_blank=False,
                            compact=True,
                            id="train-model",
                        )
                    with Horizontal(id="train-name-row"):
                        yield Label("save as")
                        yield Input(placeholder="<model>-<dataset>", compact=True, id="train-name")
                    yield Vertical(id="train-form")
                with Vertical(id="train-right"):
                    yield Static(id="train-status")
                    yield ProgressBar(id="train-bar", show_eta=False)
                    yield CurvePlot(LOSS, id="train-loss")
                    yield CurvePlot(VALID, id="train-valid")
            with TabPane("Board (b)", id="lab-leaderboard"):
                yield LeaderboardView(id="lab-board")
            with TabPane("Versus (v)", id="lab-compare"):
                yield TasteView(id="lab-taste")

    def on_mount(self) -> None:
        super().on_mount()
        self.watch(self.app, "saved_models", self._show_models)
        self.watch(self.app, "active_model", self._show_models, init=False)
        self.watch(self.app, "lab_jobs", self._show_jobs)
        self.watch(self.app, "leaderboards", self._show_leaderboards)
        self.watch(self.app, "taste_comparison", self._show_taste)
        self.set_interval(TICK_SECONDS, self._tick)
        if self.app.leaderboards is None:
            self.app.refresh_saved_models()

    # --- what shows ---------------------------------------------------------------------

    def _protocols(self) -> list[str]:
        from moviepick.evaluation.protocols import protocols_for

        library = self.app.library
        return protocols_for(library.dataset.name) if library else []

    def _show_models(self, _: object = None) -> None:
        from moviepick.evaluation.protocols import protocol
        from moviepick.models.registry import model_names

        table: DataTable[str] = self.query_one("#lab-models-table", DataTable)
        main_metrics = [f"{name} {protocol(name).main_metric}" for name in self._protocols()]
        row_key = self._highlighted_key()
        table.clear(columns=True)
        table.add_columns(
            " ", "Name", "Type", "Dataset", "Trained", "Fit s", "Device", "Size", *main_metrics
        )
        saved = self.app.saved_models
        for info in saved:
            table.add_row(
                self._marker(info.name),
                info.name,
                info.model,
                info.dataset,
                info.created_text,
                _figure(info.metrics.get("fit seconds"), ".1f"),
                info.device or ("cpu" if "device" not in info.params else "?"),
                _size(info.size_on_disk),
                *(_figure(info.metrics.get(metric), ".4f") for metric in main_metrics),
                key=info.name,
            )
        trained = {info.model for info in saved}
        for model in model_names():
            if model not in trained:
                key = f"type:{model}"
                blank = [""] * (3 + len(main_metrics))
                table.add_row(
                    self._marker(key), f"({model})", model, "", "not trained", *blank, key=key
                )
        if row_key is not None and row_key in table.rows:
            table.move_cursor(row=table.get_row_index(row_key))
        dataset = self.app.library.dataset.name if self.app.library else ""
        self.query_one("#lab-models-note", Static).update(
            f"{len(saved)} saved for {dataset} · ▶ gives your picks · {MARK} marked"
        )

    def _show_jobs(self, jobs: tuple[LabJob, ...]) -> None:
        now = time.monotonic()
        active = running(jobs)
        if (active is not None) != self._job_running:  # ctrl+x shows only while a job runs
            self._job_running = active is not None
            self.refresh_bindings()
        waiting = [job.title for job in jobs if job.status == "queued"]
        lines = []
        if active is not None:
            lines.append(job_line(active, now))
        if waiting:
            lines.append(f"queued: {' → '.join(waiting)}")
        finished = [job for job in jobs if job.finished]
        if finished and len(lines) < 2:
            lines.append(job_line(finished[-1], now))
        queue = self.query_one("#lab-queue", Static)
        queue.update("\n".join(lines) or "No job runs. t trains a model; e evaluates.")
        self._show_training(jobs, now)

    def _show_training(self, jobs: tuple[LabJob, ...], now: float) -> None:
        trainings = [job for job in jobs if isinstance(job.request, TrainRequest)]
        shown = next((job for job in trainings if job.status == "running"), None)
        shown = shown or next((job for job in reversed(trainings) if job.finished), None)
        status = self.query_one("#train-status", Static)
        bar = self.query_one("#train-bar", ProgressBar)
        if shown is None:
            status.update("Choose a model and its settings; ctrl+s (or enter) trains it.")
            bar.update(total=None, progress=0)
            return
        status.update(job_line(shown, now))
        bar.update(total=shown.total or None, progress=shown.step)
        drawn = (shown.id, len(shown.curve))
        if drawn != self._curve_drawn:  # heartbeats and ticks leave the curve as it was
            self._curve_drawn = drawn
            for plot in self.query("#train-loss, #train-valid"):
                plot.show_curve(shown.curve)

    def _tick(self) -> None:
        if running(self.app.lab_jobs) is not None:
            self._show_jobs(self.app.lab_jobs)

    def _show_leaderboards(self, leaderboards: Leaderboards | None) -> None:
        if leaderboards is not None:
            self.query_one("#lab-board").show(leaderboards)

    def _show_taste(self, comparison: TasteComparison | None) -> None:
        self.query_one("#lab-taste").show(comparison)

    # --- tabs and the form ----------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        tab = self.query_one(TabbedContent).active
        if action in self.ROW_ACTIONS or action == "resume":
            return tab == "lab-models"
        if action == "start_training":
            return tab == "lab-train"
        if action == "cancel_job":
            return running(self.app.lab_jobs) is not None
        return True

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        self._focus_tab(tab)

    def _focus_tab(self, tab: str) -> None:
        focus = {
            "lab-models": "#lab-models-table",
            "lab-train": "#train-model",
            "lab-leaderboard": "#leaderboard-table",
            "lab-compare": "#lab-taste",
        }[tab]
        for widget in self.query(focus):
            if widget.focusable:
                widget.focus()
                return

    async def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self.refresh_bindings()
        if event.pane.id == "lab-train" and self._form_model is None:
            await self._build_form(self.query_one("#train-model", Select).value)

    async def action_train(self) -> None:
        """To the Train tab, with the highlighted row's type when on the Models tab."""
        if self.query_one(TabbedContent).active == "lab-models":
            model = self._highlighted_type()
            if model is not None:
                self.query_one("#train-model", Select).value = model
                await self._build_form(model)
        self.action_tab("lab-train")

    def action_leave_form(self) -> None:
        if self.query_one(TabbedContent).active == "lab-train":
            self.query_one("#train-model", Select).focus()

    async def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "train-model":
            await self._build_form(event.value)

    async def _build_form(self, model: object) -> None:
        from moviepick.models.registry import model_class
        from moviepick.tui.widgets.params_form import ParamsForm

        if not isinstance(model, str) or model == self._form_model:
            return
        self._form_model = model
        holder = self.query_one("#train-form", Vertical)
        await holder.remove_children()
        await holder.mount(ParamsForm(model_class(model), id="train-params"))

    def _form(self) -> Any:
        from moviepick.tui.widgets.params_form import ParamsForm

        forms = self.query(ParamsForm)
        return forms.first() if forms else None

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_start_training()

    def action_start_training(self) -> None:
        if self.query_one(TabbedContent).active != "lab-train":
            self.action_tab("lab-train")
            return
        form, model = self._form(), self._form_model
        if form is None or model is None:
            return
        try:
            params = form.values()
        except MoviepickError as error:
            self.notify(str(error), title="Not started", severity="error")
            return
        from moviepick.models.registry import create_model

        try:
            create_model(model, **params)  # what it refuses is said before a child starts
        except MoviepickError as error:
            self.notify(str(error), title="Not started", severity="error")
            return
        save_as = self.query_one("#train-name", Input).value.strip() or None
        self.app.enqueue(TrainRequest(model, params, save_as))

    async def action_resume(self) -> None:
        """Queue the highlighted type's training, resumed from its last checkpoint."""
        from moviepick.models.registry import model_class

        model = self._highlighted_type()
        if model is None:
            return
        if not hasattr(model_class(model).Params, "resume"):
            self.notify(f"{model} cannot resume a training", severity="warning")
            return
        await self.action_train()
        self._resume_into_form(model)

    def _resume_into_form(self, model: str) -> None:
        from moviepick.models.registry import create_model
        from moviepick.training.checkpoints import find_checkpoint

        directory = create_model(model).checkpoint_dir
        try:
            find_checkpoint(directory)
        except MoviepickError:
            self.notify(f"no checkpoint of {model} in {directory}", severity="warning")
            return

        def fill() -> None:
            form = self._form()
            if form is not None and form.has_field("resume"):
                form.set_value("resume", str(directory))
                self.notify(
                    f"resume from {directory}: give more epochs than it reached, then ctrl+s",
                    timeout=8,
                )

        self.call_after_refresh(fill)

    def action_cancel_job(self) -> None:
        job = running(self.app.lab_jobs)
        if job is None:
            self.notify("No job runs now.")
            return
        self.app.cancel_job(job.id)

    # --- rows of the Models tab -------------------------------------------------------------

    def _highlighted_key(self) -> str | None:
        table: DataTable[str] = self.query_one("#lab-models-table", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return str(key) if key is not None else None

    def _info(self, key: str) -> ModelInfo | None:
        return next((info for info in self.app.saved_models if info.name == key), None)

    def _model_type(self, key: str) -> str:
        """The model type of the row ``key``: a saved model's, or the untrained type's."""
        info = self._info(key)
        return info.model if info else key.removeprefix("type:")

    def _highlighted_type(self) -> str | None:
        key = self._highlighted_key()
        return self._model_type(key) if key is not None else None

    def _active_name(self) -> str | None:
        return self.app.active_model.name if self.app.active_model else None

    def _marker(self, key: str) -> str:
        """The first cell of the row ``key``: ▶ on the active model, else the mark if marked."""
        if key == self._active_name():
            return "▶"
        return MARK if key in self._marked else ""

    def _chosen_keys(self) -> list[str]:
        table_keys = [str(key.value) for key in self.query_one("#lab-models-table", DataTable).rows]
        marked = [key for key in table_keys if key in self._marked]
        highlighted = self._highlighted_key()
        return marked or ([highlighted] if highlighted else [])

    async def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.data_table.id == "lab-models-table":
            await self.action_activate()

    async def action_activate(self) -> None:
        key = self._highlighted_key()
        if key is None:
            return
        info = self._info(key)
        if info is None:
            await self.action_train()
            return
        self.app.use_model(info.name)
        self.notify(f"picks come from {info.name} now", timeout=3)

    def action_mark(self) -> None:
        key = self._highlighted_key()
        if key is None:
            return
        self._marked ^= {key}
        table: DataTable[str] = self.query_one("#lab-models-table", DataTable)
        first_column = table.ordered_columns[0].key
        table.update_cell(key, first_column, self._marker(key))
        if table.cursor_row < table.row_count - 1:
            table.move_cursor(row=table.cursor_row + 1)

    def action_evaluate(self, again: bool = False) -> None:
        from moviepick.evaluation.protocols import protocol, supports

        types = list(dict.fromkeys(self._model_type(key) for key in self._chosen_keys()))
        if not types:
            return
        protocols = [
            (name, protocol(name).description)
            for name in self._protocols()
            if any(supports(model, name) for model in types)
        ]
        chosen = [DEFAULT_PROTOCOL] if DEFAULT_PROTOCOL in dict(protocols) else []

        def queue(chosen_protocols: tuple[str, ...] | None) -> None:
            if chosen_protocols:
                self.app.enqueue(EvaluateRequest(tuple(types), chosen_protocols, retrain=again))
                self._marked.clear()
                self._show_models()

        self.app.push_screen(EvaluateScreen(types, protocols, chosen, again=again), queue)

    def action_compare(self) -> None:
        saved = [key for key in self._chosen_keys() if self._info(key) is not None]
        active = self._active_name()
        if len(saved) == 1 and active is not None and saved[0] != active:
            saved = [active, saved[0]]
        if len(saved) != 2:
            self.notify(
                "mark two saved models with space (or highlight one to set beside the active)",
                title="Compare",
                severity="warning",
            )
            return
        self.app.compare_on_taste(saved[0], saved[1])
        self._marked.clear()
        self._show_models()
        self.action_tab("lab-compare")

    def _highlighted_info(self) -> ModelInfo | None:
        """The saved model of the highlighted row; None on a type not trained."""
        key = self._highlighted_key()
        return self._info(key) if key else None

    def action_rename(self) -> None:
        info = self._highlighted_info()
        if info is None:
            return

        def renamed(new_name: str | None) -> None:
            if new_name:
                self.app.rename_model(info.name, new_name)

        self.app.push_screen(RenameScreen(info.name), renamed)

    def action_delete(self) -> None:
        info = self._highlighted_info()
        if info is None:
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.app.delete_model(info.name)

        question = f"Delete the saved model {info.name} ({_size(info.size_on_disk)})?"
        self.app.push_screen(ConfirmScreen(question, "Delete"), confirmed)


def _figure(value: object, spec: str) -> str:
    return format(value, spec) if isinstance(value, int | float) else ""
