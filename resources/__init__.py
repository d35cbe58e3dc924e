"""Shipped data: trained model bundles (models/), sample texts (samples/) and icons (icons/)."""
