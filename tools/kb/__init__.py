"""大模型面试知识库 tooling: sources → clean → notes → generate → site."""
