"""Plain recurrent network: ``h_t = tanh(W h_{t-1} + U x_t + b)``, stacked ``num_layers`` deep.

Kept as the vanishing-gradient exhibit: when ``||dh_t/dh_{t-1}|| < 1`` the state forgets what it read long ago.
"""

from sentido.engine.modeling import RecurrentConfig, RecurrentTextModel


class RNNModel(RecurrentTextModel):
    config_class = RecurrentConfig
    cell = "rnn"
