"""Forms: a widget per setting (declared once in lstm_core), the Train form, the Sweep form."""
