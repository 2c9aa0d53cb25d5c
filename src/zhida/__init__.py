"""zhida (政策直达): policy documents → executable, explainable rules → the enterprises they are for."""

__version__ = "0.1.0"
