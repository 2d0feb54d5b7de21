// Public entry point; filled in by its issue.
export {};
