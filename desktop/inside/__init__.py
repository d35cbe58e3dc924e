"""The "Inside the model" view: why a label, the prediction along the text, the network's memory, its gates,
beam search and word neighbours, drawn with matplotlib over the engine's ``sentido.engine.explain`` functions."""

from sentido.desktop.inside.view import InsideView

__all__ = ["InsideView"]
