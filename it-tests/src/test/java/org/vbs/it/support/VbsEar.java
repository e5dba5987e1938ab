package org.vbs.it.support;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;

/** The real, built vbs.ear, as Arquillian deploys it (the file name is the deployment name). */
public final class VbsEar {

    private VbsEar() {
    }

    public static EnterpriseArchive fromBuild() {
        return ShrinkWrap.createFromZipFile(EnterpriseArchive.class, ItConfig.ear().toFile());
    }
}
