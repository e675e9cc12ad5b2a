"""The MetaData every generated Core table of `store/tables/` belongs to (not the
models' `SQLModel.metadata`: those tables are built only with the SQLModel classes)."""

from sqlalchemy import MetaData

metadata = MetaData()
