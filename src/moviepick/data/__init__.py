"""The MovieLens data layer. Knows nothing of models or front ends."""
