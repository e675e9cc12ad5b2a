"""The simulator's API routes: assets and assignments, client/service config, users."""
