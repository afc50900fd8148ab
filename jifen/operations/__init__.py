"""Running a deployment: backups and their restore drill, and the PostgreSQL roles' grants.

Above every app (it reads their tables and stored files to back them up and check a restore),
below only the entry points; see docs/deployment.md (备份与恢复, 数据库最小权限).
"""
