"""Local formats where Django's own differ from how Kyrgyz and Russian readers write dates and numbers
(FORMAT_MODULE_PATH); anything not set here is Django's."""
