"""Micro-tasks: report verification, fix confirmation and coordinators' campaigns."""
