"""Program 4 (RULES.md "Program 4"): MIIT industrial-cluster regional-brand pilots and
demonstration zones (seeds/003, seeds/004). Pure: imports the kernel only."""
