"""Model families. Import from ``forecast`` directly: ``forecast.ARMA``, ``forecast.LSTM``."""
