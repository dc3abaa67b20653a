# Install rules and CPack: two Debian packages from one build (`cpack` in the build dir).
#   baraza-server:  barazad, its systemd unit, /etc/baraza/barazad.conf (a conffile),
#                   maintainer scripts that make the baraza user, /var/lib/baraza, the data key.
#   baraza-clients: the role command lines (baraza-mediator, -liaison, -commander, -observer).
# Dependencies come from dpkg-shlibdeps (dpkg-dev). docs/operations.md, "Packages".
include(GNUInstallDirs)

set(BARAZA_DEB_DIR ${PROJECT_SOURCE_DIR}/deploy/debian)

install(TARGETS barazad RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT server)
install(FILES deploy/systemd/barazad.service DESTINATION lib/systemd/system COMPONENT server)
install(FILES deploy/barazad.conf DESTINATION /etc/baraza
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ COMPONENT server)
install(FILES docs/operations.md docs/security.md docs/storage.md
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/baraza-server COMPONENT server)

install(TARGETS baraza-mediator baraza-liaison baraza-commander baraza-observer
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT clients)
install(FILES README.md docs/api.md docs/workflow.md
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/baraza-clients COMPONENT clients)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME baraza)
set(CPACK_PACKAGE_VENDOR "Baraza")
set(CPACK_PACKAGE_CONTACT "Baraza operators <baraza@localhost>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_COMPONENTS_ALL server clients)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION net)

set(CPACK_DEBIAN_SERVER_PACKAGE_NAME baraza-server)
# One string: separate quoted pieces would be joined with ";" into the description.
set(CPACK_COMPONENT_SERVER_DESCRIPTION "Baraza case server (barazad) as a hardened systemd service
barazad keeps contact groups, disputes, notices and the deadlines it enforces
itself, in SQLite under /var/lib/baraza, serving gRPC. Settings in
/etc/baraza/barazad.conf; logs in the journal (journalctl -u barazad).")
set(CPACK_DEBIAN_SERVER_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_EXTRA
    ${BARAZA_DEB_DIR}/server/conffiles ${BARAZA_DEB_DIR}/server/postinst
    ${BARAZA_DEB_DIR}/server/prerm ${BARAZA_DEB_DIR}/server/postrm)
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_CLIENTS_PACKAGE_NAME baraza-clients)
set(CPACK_COMPONENT_CLIENTS_DESCRIPTION "Baraza role command lines: mediator, liaison, commander, observer
baraza-mediator, baraza-liaison, baraza-commander and baraza-observer talk
to a barazad over gRPC (TLS or loopback) with a token file.")

include(CPack)
