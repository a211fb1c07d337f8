"""moviepick: pick your next movie in the terminal, and train recommender models on MovieLens."""

__version__ = "0.1.0"
