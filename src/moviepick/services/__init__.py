"""App services: what the CLI and the TUI share, one module a job.

:mod:`.datasets` opens a dataset, :mod:`.saved_models` fits and saves a model or loads a saved
one and :mod:`.model_choice` says which names may be asked for, :mod:`.picks` keeps the profile
(ratings, watch sequence, marks) and recommends for it with the lines of :mod:`.reasons`,
re-ranked by :mod:`.diversity` over the similarity of :mod:`.similar`; :mod:`.search` is the fuzzy
movie search, :mod:`.matching` matches profile entries to a catalogue and builds the query, and
:mod:`.movies` finds the movie a person names and how the dataset rated it.
"""
