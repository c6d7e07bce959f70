"""Talking to models: prompt styles, an OpenAI-compatible client, local Hugging Face generation."""
