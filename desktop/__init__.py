"""Sentido's Qt desktop app: thin widgets over engine calls. Never imports torch directly."""
