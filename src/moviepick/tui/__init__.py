"""The Textual front end: search, rate and get picks, over :mod:`moviepick.services`."""
