"""The HTTP API and the Gradio app: thin adapters over the library."""
