"""The one fit path: build a registered model, prepare it, fit it with progress and a stop check.

Training and saving (:mod:`moviepick.services`), every evaluation protocol
(:mod:`moviepick.evaluation`) and the app's background jobs all fit through
:func:`moviepick.fitting.fit.fit_model`, so each of them can be cancelled and reports a curve.
"""
