"""Program 3: 广东省产业集群升级示范区 (RULES.md "Program 3", seeds/002): the 36 zones of 附件1,
the yearly assessment round, the 考核表 (附件2) and the 年度工作总结 (附件3). Pure."""
