"""DSIP: Disability basic public Services Information Platform (残疾人基本公共服务信息管理平台)."""
