"""Spiking simulations on brian2."""
