"""Program 3's tables and queries (广东省产业集群升级示范区)."""
