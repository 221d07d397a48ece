"""What the service keeps: feedback, snoozes, issued cards, stored records, the schema and its migrations."""
