"""LSTM: gates decide what the cell state forgets (f_t), writes (i_t) and shows (o_t)."""

from sentido.engine.modeling import RecurrentConfig, RecurrentTextModel


class LSTMModel(RecurrentTextModel):
    config_class = RecurrentConfig
    cell = "lstm"
