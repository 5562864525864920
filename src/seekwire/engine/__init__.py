"""What seekwire needs to know of Whoosh's files beyond Whoosh's public interface, kept in one place."""
