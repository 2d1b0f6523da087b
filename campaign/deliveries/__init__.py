"""Deliveries: an appeal sent to each authority it addresses, and the replies that come back."""
