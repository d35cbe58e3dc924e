"""GRU: a reset gate picks how much past enters the candidate, an update gate mixes old and new state."""

from sentido.engine.modeling import RecurrentConfig, RecurrentTextModel


class GRUModel(RecurrentTextModel):
    config_class = RecurrentConfig
    cell = "gru"
