"""Sourced event tables and dashboard logic for the ICC's Ukraine investigation."""
