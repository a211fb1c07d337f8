"""App services: what the CLI and the TUI share, one module a job.

:mod:`.datasets` opens a dataset, :mod:`.saved_models` fits and saves a model or loads a saved
one, :mod:`.picks` recommends for the profile and keeps its ratings, :mod:`.search` is the fuzzy
movie search, :mod:`.matching` matches profile entries to a catalogue and :mod:`.movies` finds
the movie a person names.
"""
