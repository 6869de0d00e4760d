"""Brands: the companies a workspace runs campaigns for."""
